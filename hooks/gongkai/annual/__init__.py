"""政府信息公开工作年度报告: its data, tables and charts."""
