"""The inspection (自查): checks on the catalogue, the report for reviewers, the link check of the built site."""
