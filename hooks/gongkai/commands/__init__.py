"""Staff commands: new item, Word import, site import, review, sign/takedown, 年报 spreadsheet, Decap configuration."""
