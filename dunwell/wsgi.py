import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")

# The PBX's routing lookups skip Django's middleware (dunwell/telephony/fastroute.py).
from dunwell.telephony import fastroute  # noqa: E402

application = fastroute.wrap(get_wsgi_application())
