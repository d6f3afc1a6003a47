"""The figures of every report (SPEC §4): definitions, their SQL aggregates, and one figures object per report type."""
