"""The targeting window's screen: criteria, live count, results grid, saved targets.

Translation area ``targeting`` (``app/resources/i18n/targeting_fr.ts``).
"""

from app.ui.targeting.screen import TargetingScreen

__all__ = ["TargetingScreen"]
