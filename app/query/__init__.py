"""The field catalog and the criteria engine. Pure Python: no Qt import, ever."""
