"""
WSGI config for bilet project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'bilet.settings')

application = get_wsgi_application()

from bilet.warmup import warm_up  # noqa: E402 — needs the apps loaded by get_wsgi_application()

warm_up()
