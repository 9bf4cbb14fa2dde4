"""The surveys admin, one module per domain; importing the package registers every admin.

surveys.py     surveys: questions and translations inline, send progress, send, from template
questions.py   questions and their choices, with the skip-logic check
sends.py       distributions, the invitation ledger, responses and answers (read-only)
programmes.py  relationship programmes and waves
pulse.py       pulse segments (send a pulse) and inquiries
contacts.py    customers' contact list: the "Send a survey" action (through admin_extend)
events.py      customers' event list: the CSV import (through admin_extend)
common.py      the send-progress table and what every send does when it is made

The ReadOnlyMixin and the extension points live in cem_project/admin_tools.py, shared with the
customers admin.
"""

from . import contacts, events, programmes, pulse, questions, sends, surveys  # noqa: F401
