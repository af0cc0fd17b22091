from accounts.home import register_nav  # noqa: F401
