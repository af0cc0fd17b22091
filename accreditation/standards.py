"""The post-qualifying standards as first published (domain.md), seeded as version 1 of each statement."""

STATEMENTS = {
    "practitioner": (
        "Knowledge and skills statement for approved child and family practitioners",
        [
            ("p1", "Relationships and effective direct work"),
            ("p2", "Communication"),
            ("p3", "Child development"),
            (
                "p4",
                "Adult mental ill health, substance misuse, domestic abuse, physical ill health and disability",
            ),
            ("p5", "Abuse and neglect of children"),
            ("p6", "Child and family assessment"),
            ("p7", "Analysis, decision-making, planning and review"),
            ("p8", "The law and the family and youth justice systems"),
            ("p9", "The role of supervision and research"),
            ("p10", "Organisational context"),
        ],
    ),
    "supervisor": (
        "Knowledge and skills statement for practice supervisors",
        [
            ("s1", "Promote and govern excellent practice"),
            ("s2", "Developing excellent practitioners"),
            ("s3", "Shaping and influencing the practice system"),
            ("s4", "Effective use of power and authority"),
            ("s5", "Confident analysis and decision-making"),
            ("s6", "Purposeful and effective social work"),
            ("s7", "Emotionally intelligent practice supervision"),
            ("s8", "Performance management and improvement"),
        ],
    ),
    "leader": (
        "Knowledge and skills statement for practice leaders",
        [
            ("l1", "Creating a context for excellent practice"),
            ("l2", "Leading and governing excellent practice"),
            ("l3", "Designing a system to support effective practice"),
            ("l4", "Developing excellent practitioners"),
            ("l5", "Supporting effective decision-making"),
            ("l6", "Quality assurance and improvement"),
        ],
    ),
}

# The supervisor form draws practitioner-level general items (domain.md); the others draw their own.
GENERAL_ITEMS_LEVEL = {"practitioner": "practitioner", "supervisor": "practitioner", "leader": "leader"}
