"""Outputs for other places: kiosk, intranet form editing (Decap) and 发布审核单, feeds and open data."""
