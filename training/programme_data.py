"""The two programmes the product starts with. Loaded by a data migration; regulator staff can add more as rows."""

PCF_DOMAINS = [
    "Professionalism",
    "Values and ethics",
    "Diversity and equality",
    "Rights, justice and economic wellbeing",
    "Knowledge",
    "Critical reflection and analysis",
    "Skills and interventions",
    "Contexts and organisations",
    "Professional leadership",
    "Practitioner statement (knowledge and skills)",
]

EARLY_CAREER_STANDARDS = [
    "Relationships and direct work with children and families",
    "Child development and the child's voice",
    "Assessment, analysis and decision-making",
    "Safeguarding and managing risk",
    "The law and the family justice system",
    "Working with other professionals",
    "Reflective practice and using supervision",
    "Values, ethics and anti-discriminatory practice",
    "Recording and communication",
    "Practitioner statement (knowledge and skills)",
]

LATER_MILESTONES = [
    {"key": "year_2", "label": "Year 2 assessment", "month": 24, "final": False, "expert": False},
    {"key": "year_5", "label": "Year 5 assessment", "month": 60, "final": False, "expert": True},
]

PROGRAMMES = [
    {
        "code": "asye",
        "name": "Assessed and Supported Year in Employment (ASYE)",
        "short_name": "ASYE",
        "description": "Twelve months of supported practice for newly registered social workers, assessed against "
        "the Professional Capabilities Framework and the practitioner statement.",
        "length_months": 12,
        "available_from": "2012-09-01",
        "review_points": [
            {"key": "3_months", "label": "3-month review", "month": 3, "optional": False, "final": False},
            {"key": "6_months", "label": "6-month review", "month": 6, "optional": False, "final": False},
            {"key": "9_months", "label": "9-month review", "month": 9, "optional": True, "final": False},
            {"key": "final", "label": "Final assessment", "month": 12, "optional": False, "final": True},
        ],
        "standards": PCF_DOMAINS,
        "supervision_schedule": [[6, 7], [26, 14], [None, 30]],
        "caseload_expectation": [[0, 60], [3, 75], [6, 85], [9, 90]],
        "protected_hours_per_week": "3.5",
        "funding_milestones": [
            {"key": "enrolled", "label": "Enrolled", "share": 50, "event": "enrolled"},
            {"key": "6_months", "label": "6-month review", "share": 25, "event": "review:6_months"},
            {"key": "passed", "label": "Passed", "share": 25, "event": "passed"},
        ],
        "later_milestones": LATER_MILESTONES,
        "completion_annotation_note": "Completed the ASYE",
    },
    {
        "code": "ecp",
        "name": "Early career programme (child and family social work)",
        "short_name": "Early career programme",
        "description": "Two years of supported practice for newly registered child and family social workers, "
        "assessed against the early career standards.",
        "length_months": 24,
        "available_from": "2027-01-01",
        "review_points": [
            {"key": "3_months", "label": "3-month review", "month": 3, "optional": False, "final": False},
            {"key": "6_months", "label": "6-month review", "month": 6, "optional": False, "final": False},
            {"key": "12_months", "label": "12-month review", "month": 12, "optional": False, "final": False},
            {"key": "18_months", "label": "18-month review", "month": 18, "optional": True, "final": False},
            {"key": "final", "label": "Final assessment", "month": 24, "optional": False, "final": True},
        ],
        "standards": EARLY_CAREER_STANDARDS,
        "supervision_schedule": [[6, 7], [52, 14], [None, 30]],
        "caseload_expectation": [[0, 50], [3, 65], [6, 75], [12, 85], [18, 90]],
        "protected_hours_per_week": "3.5",
        "funding_milestones": [
            {"key": "enrolled", "label": "Enrolled", "share": 40, "event": "enrolled"},
            {"key": "12_months", "label": "12-month review", "share": 30, "event": "review:12_months"},
            {"key": "passed", "label": "Passed", "share": 30, "event": "passed"},
        ],
        "later_milestones": LATER_MILESTONES,
        "completion_annotation_note": "Completed the early career programme",
    },
]
