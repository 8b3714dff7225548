"""Outputs: Excel, Word, SMS. No Qt here; progress is reported through callbacks."""
