"""How the portal writes dates and times: 12/01/2026 and 4:05 PM, the way the state's forms do.

Django's own English formats ("Dec. 1, 2026, 4:05 p.m.") would otherwise win over the settings
of the same names (Django always localizes). Input formats are Django's.
"""

DATE_FORMAT = "m/d/Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "m/d/Y g:i A"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
