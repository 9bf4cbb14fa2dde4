# Django's Persian formats set no grouping: revenue in millions read as one run of digits.
from django.conf.locale.fa.formats import *  # noqa: F403

NUMBER_GROUPING = 3
