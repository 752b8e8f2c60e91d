"""Multi-agency panels (Vulnerability Panel / Community MARAC, Blue Light, MASIP, Channel, IOM),
their referrals, meetings, agendas, actions, cohorts and crime harm."""
