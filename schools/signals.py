"""Documented extension points of the schools app."""

from django.dispatch import Signal

# Sent by ``services.student_deidentify`` inside its transaction, with ``student``
# (already de-identified). Apps that copied the student's name or codes into
# their own rows (certificate holder names, chosen nicknames …) clear them in a
# receiver, so a withdrawal of consent leaves no trace of the person anywhere.
student_deidentified = Signal()
