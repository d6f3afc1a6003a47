
from .notifications import *  # noqa: F401,F403
from .bookings import *  # noqa: F401,F403
