"""Every write of MIS access administration: keyword-only, atomic, audited (policy 1021).

onboarding: signing in, the authenticator and the confidentiality agreement; lockouts: unlocking an
account; revocation: ending access (contracts, disables, the sweep); contracts; requesters: who may
file requests; requests: filing add, change and disable requests; decisions: MIS access management
approving or rejecting them; records: records requests, breaches and abuse reports; common: what they
share.
"""

from .common import notify
from .contracts import contract_end, contract_record
from .decisions import access_request_approve, access_request_reject, first_sign_in_url
from .lockouts import lockout_clear, mfa_throttle_reset
from .onboarding import (
    NDA_VERSION,
    WRONG_CODE,
    mfa_enrolment_confirm,
    mfa_enrolment_start,
    mfa_verify,
    nda_sign,
    sign_in_complete,
    staff_switch_office,
)
from .records import report_file, report_move
from .requesters import requester_designate, requester_undesignate
from .requests import (
    DISABLE_NOTICE,
    PAST_EFFECTIVE_GRACE,
    access_request_add,
    access_request_change,
    access_request_disable,
    access_request_withdraw,
)
from .revocation import (
    WARNING_DAYS,
    access_sweep,
    contract_warnings_send,
    staff_batch_end_access,
    staff_end_access,
    staff_sessions_end,
)

__all__ = [
    "DISABLE_NOTICE",
    "NDA_VERSION",
    "PAST_EFFECTIVE_GRACE",
    "WARNING_DAYS",
    "WRONG_CODE",
    "access_request_add",
    "access_request_approve",
    "access_request_change",
    "access_request_disable",
    "access_request_reject",
    "access_request_withdraw",
    "access_sweep",
    "contract_end",
    "contract_record",
    "contract_warnings_send",
    "first_sign_in_url",
    "lockout_clear",
    "mfa_enrolment_confirm",
    "mfa_enrolment_start",
    "mfa_throttle_reset",
    "mfa_verify",
    "nda_sign",
    "notify",
    "report_file",
    "report_move",
    "requester_designate",
    "requester_undesignate",
    "sign_in_complete",
    "staff_batch_end_access",
    "staff_end_access",
    "staff_sessions_end",
    "staff_switch_office",
]
