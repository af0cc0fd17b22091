# ruff: noqa: E501  (question text and case passages are prose, kept one paragraph a line)
"""Demo question bank, practitioner level: written for this product (not the national scheme's items).

Each item: (domain key, question, options). A correct option starts with "*". Four options = single answer;
eight options = multiple answer (three correct).
"""

GENERAL = [
    (
        "p1",
        "A 14-year-old refuses to speak to you on your first visit. What is the most helpful next step?",
        [
            "*Explain who you are and why you came, and agree a way and time to meet that suits them",
            "Tell them the visit cannot end until they answer your questions",
            "Record that the child is uncooperative and close the visit",
            "Ask the parent to speak for the child from now on",
        ],
    ),
    (
        "p1",
        "Which of these help build a working relationship with a parent who is hostile to children's services?",
        [
            "*Being clear and honest about your worries and your powers",
            "*Doing what you said you would do, when you said you would",
            "*Recognising the parent's strengths as well as the concerns",
            "Avoiding any mention of the concerns until trust is built",
            "Promising that the case will close soon",
            "Visiting without notice every time",
            "Only communicating in writing",
            "Agreeing with the parent's account to keep them engaged",
        ],
    ),
    (
        "p1",
        "Direct work with a child is most effective when it is:",
        [
            "*Planned around the child's age, interests and what you need to understand",
            "Done in the office so the child is in a neutral place",
            "Delivered as a single long session",
            "Led by the child's parent",
        ],
    ),
    (
        "p1",
        "A 7-year-old tells you a secret and asks you not to tell anyone. What should you say?",
        [
            "*That you cannot promise, and that you may need to share it to keep them safe",
            "That you promise to keep it secret",
            "Nothing, and change the subject",
            "That they should tell their teacher instead",
        ],
    ),
    (
        "p2",
        "You need to explain a child protection plan to a parent whose first language is Polish. What should you do?",
        [
            "*Arrange a qualified interpreter who is not a family member",
            "Ask the parent's 12-year-old to interpret",
            "Use plain English and speak slowly",
            "Send the plan in English and ask them to get it translated",
        ],
    ),
    (
        "p2",
        "Which of these are good practice when writing case records a child may read as an adult?",
        [
            "*Write in plain language and avoid jargon",
            "*Separate fact from professional opinion",
            "*Record the child's own words where they matter",
            "Use abbreviations to keep records short",
            "Leave out the reasons for decisions",
            "Describe the family in labels such as 'chaotic'",
            "Only record what went wrong",
            "Copy the previous entry forward",
        ],
    ),
    (
        "p2",
        "A disabled child uses Makaton. How should you seek their views?",
        [
            "*Communicate using Makaton, with someone who knows how the child communicates",
            "Ask the parent what the child thinks",
            "Rely on observation only, as the child cannot give views",
            "Use written questions",
        ],
    ),
    (
        "p3",
        "Around what age do most children first show a clear attachment to their main carers, with wariness of strangers?",
        [
            "*6 to 9 months",
            "Birth to 6 weeks",
            "2 to 3 years",
            "4 to 5 years",
        ],
    ),
    (
        "p3",
        "Which of these can be signs that a toddler's development is being affected by neglect?",
        [
            "*Delayed speech and language",
            "*Faltering growth without a medical cause",
            "*Indiscriminate affection towards strangers",
            "Walking at 12 months",
            "Tantrums at two years old",
            "Preferring one parent over the other",
            "Being shy with new adults",
            "Sleeping through the night",
        ],
    ),
    (
        "p3",
        "Adolescence is a time when the brain is:",
        [
            "*Still developing, especially in areas for planning and controlling impulses",
            "Fully developed, so behaviour reflects fixed choices",
            "Shrinking, so learning slows",
            "Unaffected by stress or trauma",
        ],
    ),
    (
        "p3",
        "Why does early childhood trauma matter for later development?",
        [
            "*Chronic stress can affect brain development, regulation of emotion and relationships",
            "It does not, as young children do not remember it",
            "It only affects physical growth",
            "It matters only if the child was physically injured",
        ],
    ),
    (
        "p4",
        "A mother has severe depression. What is the most important question for the assessment?",
        [
            "*How does her depression affect her parenting and the child's day-to-day experience?",
            "Has she been diagnosed by a psychiatrist?",
            "Is she taking medication?",
            "Does she have a partner?",
        ],
    ),
    (
        "p4",
        "Which of these increase the risk to children where a parent misuses alcohol?",
        [
            "*The child is the main carer for the parent or siblings",
            "*Drinking is combined with domestic abuse",
            "*The parent is often unable to supervise young children",
            "The parent drinks alcohol at weekends",
            "The family has a supportive grandparent nearby",
            "The parent is engaged with a treatment service",
            "The child attends school regularly",
            "The parent talks openly about their drinking",
        ],
    ),
    (
        "p4",
        "A father with a learning disability is caring for a baby. What is good practice?",
        [
            "*Assess with adapted methods and provide support to help him parent",
            "Assume he cannot parent safely",
            "Use the same written materials as for other parents",
            "Assess only his IQ score",
        ],
    ),
    (
        "p4",
        "Under the Domestic Abuse Act 2021, a child who sees, hears or experiences the effects of domestic abuse is:",
        [
            "*A victim of domestic abuse in their own right",
            "A witness only",
            "Affected only if physically present",
            "Not covered by the Act",
        ],
    ),
    (
        "p5",
        "Which of these may indicate child sexual exploitation?",
        [
            "*Going missing and returning with unexplained gifts or money",
            "*Relationships with older people the family does not know",
            "*Sudden changes in mood, dress or friendship group",
            "Joining a sports club",
            "Having a part-time job",
            "Arguing with parents about bedtime",
            "Spending time online with school friends",
            "Asking for more pocket money",
        ],
    ),
    (
        "p5",
        "A non-mobile 4-month-old baby has a bruise on the cheek. What should happen?",
        [
            "*Refer for a child protection medical and consider a strategy discussion",
            "Accept the parent's explanation if it seems plausible",
            "Advise the parents to see the GP if the bruise gets worse",
            "Record it and review at the next visit",
        ],
    ),
    (
        "p5",
        "Neglect is best described as:",
        [
            "*The persistent failure to meet a child's basic physical and/or psychological needs",
            "A single occasion when a child missed a meal",
            "Poverty in itself",
            "Any untidy home",
        ],
    ),
    (
        "p5",
        "Which statement about cumulative harm is true?",
        [
            "*Many incidents that each seem minor can together cause significant harm",
            "Only a single serious incident can be significant harm",
            "Cumulative harm applies only to physical abuse",
            "It is a legal test in its own right",
        ],
    ),
    (
        "p6",
        "A good child and family assessment should:",
        [
            "*Draw on information from several sources and the child's own views",
            "Rely mainly on the referrer's account",
            "Be completed before speaking to the child",
            "Focus only on the parents' history",
        ],
    ),
    (
        "p6",
        "Which of these are part of assessing a family's strengths?",
        [
            "*The support the wider family and friends can give",
            "*Times when the parents have coped well with difficulty",
            "*What the child says is good at home",
            "The number of previous referrals",
            "The family's income alone",
            "The parents' criminal records alone",
            "The size of the house",
            "How quickly the parents answer the door",
        ],
    ),
    (
        "p6",
        "When should an assessment plan be reviewed?",
        [
            "*When new information changes your understanding of risk or need",
            "Only at the end of the assessment",
            "Only if the family asks",
            "Never, once agreed",
        ],
    ),
    (
        "p7",
        "What is the main purpose of a chronology in a child's file?",
        [
            "*To show patterns of events over time that single incidents hide",
            "To list every phone call in full",
            "To replace the assessment",
            "To record professional opinions",
        ],
    ),
    (
        "p7",
        "Which of these are known biases in child protection decision-making?",
        [
            "*Confirmation bias: favouring information that fits your first view",
            "*The rule of optimism: over-trusting evidence of progress",
            "*Anchoring on the first piece of information received",
            "Using a chronology",
            "Seeking a second opinion",
            "Talking to the child alone",
            "Reflecting in supervision",
            "Checking information with other agencies",
        ],
    ),
    (
        "p7",
        "A good plan for a child should set out:",
        [
            "*What will change, who will do what, by when, and how progress will be measured",
            "Only the services offered",
            "The professionals' concerns, without actions",
            "A list of meetings",
        ],
    ),
    (
        "p7",
        "Progress in a child in need plan has stalled. What should you do first?",
        [
            "*Review with the family and professionals why it stalled, and revise the plan",
            "Close the case as the family is not engaging",
            "Escalate straight to care proceedings",
            "Wait for the next scheduled review",
        ],
    ),
    (
        "p8",
        "Section 47 of the Children Act 1989 requires a local authority to:",
        [
            "*Make enquiries when it has reasonable cause to suspect a child is suffering, or likely to suffer, significant harm",
            "Provide services to every child in need",
            "Accommodate a child at the parents' request",
            "Apply for a care order in every case",
        ],
    ),
    (
        "p8",
        "Which of these are true of section 20 accommodation?",
        [
            "*A parent with parental responsibility can remove the child at any time",
            "*Consent must be informed and freely given",
            "*The local authority does not gain parental responsibility",
            "It is a court order",
            "It can be used to keep a child away from a parent who objects",
            "It gives the local authority parental responsibility",
            "It lasts for a fixed 12 months",
            "It requires the child's school to agree",
        ],
    ),
    (
        "p8",
        "The threshold for a care order under section 31 requires that the child:",
        [
            "*Is suffering, or likely to suffer, significant harm attributable to the care given or the child being beyond parental control",
            "Has been known to children's services for over a year",
            "Is living in poverty",
            "Has a parent with a criminal record",
        ],
    ),
    (
        "p8",
        "In care proceedings, the Public Law Outline expects proceedings to be completed within:",
        [
            "*26 weeks, unless an extension is necessary",
            "6 weeks",
            "52 weeks",
            "There is no time limit",
        ],
    ),
    (
        "p9",
        "Reflective supervision helps practice mainly by:",
        [
            "*Giving space to think about the work, feelings and decisions, and to challenge assumptions",
            "Checking that forms are completed on time",
            "Allocating new cases",
            "Recording sickness absence",
        ],
    ),
    (
        "p9",
        "Which of these are sound ways to use research in practice?",
        [
            "*Checking whether a study's setting and sample are like your family's",
            "*Combining research with the family's views and your professional judgement",
            "*Using research to explain to families why you are worried",
            "Following any single study without question",
            "Ignoring research that does not fit your view",
            "Using research only for court reports",
            "Relying on a colleague's memory of a study",
            "Assuming older research is always wrong",
        ],
    ),
    (
        "p9",
        "You disagree with your manager's decision to close a case. What should you do?",
        [
            "*Raise it in supervision with your reasons, and use the escalation policy if still concerned",
            "Keep the case open without telling anyone",
            "Accept the decision without comment",
            "Tell the family you disagree with your manager",
        ],
    ),
    (
        "p10",
        "Working Together to Safeguard Children sets out:",
        [
            "*How organisations and agencies should work together to safeguard and promote children's welfare",
            "The pay scales for social workers",
            "The rules for school admissions",
            "The criminal law on child abuse",
        ],
    ),
    (
        "p10",
        "Which of these help a social worker manage a high caseload safely?",
        [
            "*Prioritising with the manager according to risk",
            "*Raising workload concerns early and in writing",
            "*Using supervision to agree what can wait",
            "Skipping visits to children on plans",
            "Working every evening without telling anyone",
            "Closing cases without review",
            "Delaying recording for several weeks",
            "Refusing any new work",
        ],
    ),
    (
        "p10",
        "Who is responsible for the multi-agency safeguarding arrangements in a local area?",
        [
            "*The local authority, the integrated care board and the chief officer of police, jointly",
            "The local authority alone",
            "Schools alone",
            "The regulator",
        ],
    ),
]

SCENARIOS = [
    (
        "The Khan family",
        """Aisha Khan (29) lives with her children Zain (6) and Maya (18 months) in a privately rented flat. A health visitor has referred the family: Maya has not been brought to two development checks, and on a home visit the flat was cold, there was little food, and Aisha seemed flat and tired.

School reports that Zain is often late, sometimes hungry, and last week said "Mummy cries a lot and stays in bed." Aisha's partner, Daniel, moved out three months ago after police were called to an argument; the police report notes Aisha had a cut lip and Daniel was cautioned. Daniel has contact with both children every Saturday.

Aisha tells you she "just needs a bit of help", that her GP has put her on antidepressants, and that her mother in Bradford could help more if she could afford the train fares.""",
        [
            (
                "p6",
                "What should you do first in your assessment?",
                [
                    "*See both children, including Zain on his own, and speak to Aisha about her worries",
                    "Arrange a child protection conference",
                    "Ask Daniel to take the children for a while",
                    "Close the referral as Aisha has seen her GP",
                ],
            ),
            (
                "p4",
                "Which of these are risk factors in this family?",
                [
                    "*Aisha's low mood is affecting her daily care of the children",
                    "*A recent domestic abuse incident with an injury to Aisha",
                    "*Maya has missed two development checks",
                    "Aisha has a mother in Bradford",
                    "Zain attends school",
                    "Aisha asked for help",
                    "Aisha is 29",
                    "The family rent privately",
                ],
            ),
            (
                "p3",
                "Maya's missed development checks matter most because:",
                [
                    "*Delays in a toddler's development may go unnoticed and untreated",
                    "They are a legal requirement and must be reported to the police",
                    "They show Aisha is deliberately hiding Maya",
                    "They mean Maya must be seen by a paediatrician the same day",
                ],
            ),
            (
                "p1",
                "How should you seek Zain's views?",
                [
                    "*Spend time with him in a place he feels safe, using play or drawing to help him talk",
                    "Ask him questions in front of his mother",
                    "Ask his teacher to find out for you",
                    "Wait until he is older",
                ],
            ),
            (
                "p4",
                "What should you find out about the contact with Daniel?",
                [
                    "*Whether the children are safe during contact and how handovers happen",
                    "Nothing, as he has moved out",
                    "Only whether he pays child maintenance",
                    "Whether he has a new partner",
                ],
            ),
            (
                "p8",
                "On what you know so far, which legal basis fits your involvement?",
                [
                    "*Assessment of a child in need under section 17, keeping section 47 under review",
                    "An emergency protection order",
                    "Section 20 accommodation",
                    "No legal basis applies",
                ],
            ),
            (
                "p7",
                "Which of these belong in a plan with Aisha?",
                [
                    "*Help with food, heating and money, with a named person and date",
                    "*Support for her mental health, agreed with her GP",
                    "*Help to attend Maya's development checks",
                    "Aisha must stop seeing her mother",
                    "A warning that the children will be removed if she cries",
                    "Weekly unannounced visits with no other support",
                    "Zain to change school",
                    "No contact with Daniel for any reason",
                ],
            ),
            (
                "p2",
                "Aisha says she is frightened you will take the children. What is the best reply?",
                [
                    "*Be honest about your worries and explain what help is possible and what would raise concern",
                    "Tell her that will never happen",
                    "Avoid the question",
                    "Tell her it depends on her GP",
                ],
            ),
            (
                "p5",
                "Which pattern here suggests possible neglect rather than one bad week?",
                [
                    "*Lateness, hunger, missed checks and a cold flat reported by different people over time",
                    "Zain said his mother cries",
                    "Aisha's partner moved out",
                    "Aisha takes antidepressants",
                ],
            ),
            (
                "p10",
                "Who should you share information with, and on what basis?",
                [
                    "*School, health visitor and GP, to safeguard the children, recording why and with Aisha's knowledge where safe",
                    "Nobody without Aisha's written consent in every case",
                    "Daniel, so he can keep an eye on Aisha",
                    "The landlord, to speed up repairs",
                ],
            ),
            (
                "p9",
                "In supervision, which question best tests your analysis?",
                [
                    "*What would I expect to see if things were getting worse, or better, for these children?",
                    "How many visits have I done?",
                    "Has the form been completed?",
                    "When can the case be closed?",
                ],
            ),
            (
                "p7",
                "Four weeks on, Aisha is engaging, but Zain is still arriving hungry. What does this tell you?",
                [
                    "*Engagement is not the same as change for the child; review the plan",
                    "The plan is working because Aisha is engaging",
                    "Zain is exaggerating",
                    "The school should provide breakfast, so there is no concern",
                ],
            ),
        ],
    ),
    (
        "Jordan, aged 15",
        """Jordan (15) lives with his father, Mark, and his father's partner. His mother died two years ago. Over the last four months Jordan has gone missing five times, usually overnight. On the last occasion police found him in a flat in another town with two adults in their twenties; he had £200 in cash and a new phone.

School says his attendance has fallen to 60%, and he has been excluded for a day after a fight. Mark says Jordan "is out of control" and he "has had enough"; he wants Jordan to go into care. Jordan tells you he is fine, that the adults are his mates, and that home is "rubbish since Mum died".""",
        [
            (
                "p5",
                "Which of these suggest Jordan may be being criminally exploited?",
                [
                    "*Going missing overnight to another town",
                    "*Unexplained cash and a new phone",
                    "*Friendships with adults much older than him",
                    "Arguing with his father",
                    "Grieving his mother",
                    "A one-day exclusion",
                    "Being 15",
                    "Saying home is rubbish",
                ],
            ),
            (
                "p1",
                "Jordan says the adults are his mates. How should you respond?",
                [
                    "*Keep talking with him without judgement, showing interest in his life and his loss",
                    "Tell him they are criminals and he must stop seeing them",
                    "End the conversation as he is not engaging",
                    "Ask his father to speak to him instead",
                ],
            ),
            (
                "p8",
                "Mark asks for Jordan to be accommodated. What must you consider?",
                [
                    "*Whether accommodation meets Jordan's needs, his own wishes, and what support could keep him safely at home",
                    "Accommodation must be agreed because Mark has asked",
                    "Only whether a placement is available",
                    "Whether Jordan's school agrees",
                ],
            ),
            (
                "p3",
                "How might Jordan's bereavement relate to his behaviour?",
                [
                    "*Unresolved grief can show as anger, risk-taking and seeking belonging elsewhere",
                    "It is unrelated, as it was two years ago",
                    "It excuses all his behaviour",
                    "Teenagers do not grieve",
                ],
            ),
            (
                "p10",
                "Which meeting best brings agencies together about exploitation risks to Jordan?",
                [
                    "*A multi-agency meeting following the local exploitation protocol, with police and school",
                    "A school detention review",
                    "A housing panel",
                    "A GP appointment",
                ],
            ),
            (
                "p6",
                "What should a return home interview aim to find out?",
                [
                    "*Where he went, who with, what happened, and what would help him stay safe",
                    "Whether he is sorry",
                    "Whether his father wants him back",
                    "How much money he had",
                ],
            ),
            (
                "p7",
                "Which of these belong in a safety plan for Jordan?",
                [
                    "*Agreed steps if he is contacted by the adults, including who he can call",
                    "*Disruption work with police against the adults",
                    "*A trusted adult he chooses to keep in contact with",
                    "Confiscating his phone permanently",
                    "Telling him he will be arrested next time",
                    "Moving him out of area without telling him why",
                    "Stopping all contact with his friends",
                    "A curfew enforced by locking him in",
                ],
            ),
            (
                "p2",
                "Mark says he has had enough. What is the most helpful response?",
                [
                    "*Acknowledge how hard it is, and explore what support would help him keep Jordan at home",
                    "Tell him he is failing as a parent",
                    "Agree that Jordan should go into care",
                    "Suggest Jordan stays with friends",
                ],
            ),
            (
                "p4",
                "Mark's partner mentions that Mark has been drinking more since his wife died. Why does this matter?",
                [
                    "*It may affect his capacity to care for and supervise Jordan, and he may need support",
                    "It does not matter for Jordan",
                    "It is grounds for a care order",
                    "It is a matter for his GP only",
                ],
            ),
            (
                "p9",
                "Which approach does research on contextual safeguarding suggest?",
                [
                    "*Assessing and intervening in the places and peer groups where the harm happens, not only the family",
                    "Focusing only on parenting",
                    "Waiting until the young person is 18",
                    "Treating exploitation as the young person's choice",
                ],
            ),
            (
                "p5",
                "The police describe Jordan as 'putting himself at risk'. Why is this language unhelpful?",
                [
                    "*It blames the child for exploitation by adults",
                    "It is too formal",
                    "It is inaccurate because he is not at risk",
                    "It is only used for adults",
                ],
            ),
            (
                "p7",
                "Jordan goes missing again the night after your plan is agreed. What next?",
                [
                    "*Follow the missing protocol, report to police, and review the plan with the agencies",
                    "Wait 48 hours before acting",
                    "Close the case as the plan failed",
                    "Ask Mark to look for him",
                ],
            ),
        ],
    ),
]
