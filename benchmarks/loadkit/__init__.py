"""Pieces of `booking_load.py`: its data and sign-ins, the server, the HTTP client, the measurements."""
