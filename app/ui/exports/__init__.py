"""The export dialogs (Excel workbooks, Word letters and labels). Translation area ``exports``."""
