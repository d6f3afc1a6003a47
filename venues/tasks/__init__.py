
from .notifications import *  # noqa: F401,F403
