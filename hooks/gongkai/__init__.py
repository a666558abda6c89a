"""gongkai: a generator of 政府信息公开 sites.

Pipeline, one module per stage: load → validate → model → derive → render → index.
No stage imports a later one; `pipeline` runs them in order.
"""
