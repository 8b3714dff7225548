"""Programs › Loyalty programs: the dashboard, the program editor and the settings."""

from app.ui.programs.dashboard import ProgramsWindow

__all__ = ["ProgramsWindow"]
