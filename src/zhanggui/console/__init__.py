"""The back-office console: admin site theme, custom pages, templates and static files."""
