import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dunwell.settings")

django_application = get_wsgi_application()

# Machine endpoints under load skip Django's page middleware: the PBX's routing lookups
# (dunwell/telephony/fastroute.py) and the ERP's credit checks (dunwell/restapi/shortpath.py).
from dunwell.restapi import shortpath  # noqa: E402
from dunwell.telephony import fastroute  # noqa: E402

application = shortpath.wrap(fastroute.wrap(django_application))

# The URL configuration and the views it imports are loaded now rather than by the first
# request, and with everything else loaded so far (Django, the apps, their models) they live as
# long as the process: moved out of the cycle collector's generations, a full collection no
# longer walks them (about 170,000 objects; one full collection every couple of hundred
# requests took 96 ms, 2 ms after). Objects the requests create are collected as before.
get_resolver().url_patterns  # noqa: B018
gc.freeze()
