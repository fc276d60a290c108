"""Staff users, their roles and their teams."""
