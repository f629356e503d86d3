"""The editions: table, OpenCC backend, MyST-aware conversion, dictionaries, report."""
