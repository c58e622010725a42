import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")

django_application = get_wsgi_application()

# Machine endpoints under load skip Django's page middleware: the PBX's routing lookups
# (dunwell/telephony/fastroute.py) and the ERP's credit checks (dunwell/restapi/shortpath.py).
from dunwell.restapi import shortpath  # noqa: E402
from dunwell.telephony import fastroute  # noqa: E402

application = shortpath.wrap(fastroute.wrap(django_application))
