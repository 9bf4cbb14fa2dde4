# Django's Chinese formats group by four with no separator: business figures (revenue in
# millions) read as one run of digits. Commas every three digits, as Chinese reports print them.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
