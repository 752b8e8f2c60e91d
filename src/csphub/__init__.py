"""CSP Hub: partner data, casework and statutory reports for Community Safety Partnerships."""

__version__ = "0.1.0"
