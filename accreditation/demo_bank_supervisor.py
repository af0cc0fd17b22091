# ruff: noqa: E501  (question text and case passages are prose, kept one paragraph a line)
"""Demo question bank, supervisor level: applied items on two case scenarios (the general items of the
supervisor form are practitioner items). Written for this product. Format as in demo_bank_practitioner."""

SCENARIOS = [
    (
        "Supervising Leah",
        """You supervise a team of six social workers. Leah qualified 18 months ago and has a caseload of 19 children, above the team's agreed maximum of 16. In the last month two of her visits to children on child protection plans were late, and her case recording is three weeks behind.

In supervision Leah becomes tearful. She says she is "not cut out for this", that a parent shouted at her last week and she has not slept properly since, and that she did not want to say anything because "everyone else is coping". One of the late visits was to a 2-year-old, Ruby, whose mother has a history of heroin use; Leah says she is worried about Ruby but "couldn't face" going back to the house.

Your service manager has asked you to allocate two more cases to the team this week.""",
        [
            (
                "s7",
                "What should you do first in this supervision?",
                [
                    "*Acknowledge Leah's distress and give her space to talk about what happened",
                    "Move straight to the overdue visits",
                    "Tell her everyone has difficult weeks",
                    "End the session and rebook it",
                ],
            ),
            (
                "s1",
                "Ruby's visit is overdue and Leah is worried about her. What must happen?",
                [
                    "*Make sure Ruby is seen promptly, by Leah with support or by another worker",
                    "Leave it until Leah feels ready",
                    "Phone the mother instead of visiting",
                    "Close the plan as Ruby has not been seen",
                ],
            ),
            (
                "s8",
                "Which of these are fair responses to Leah's late visits and recording?",
                [
                    "*Agree clear priorities and a realistic timescale to catch up",
                    "*Look at her caseload and reduce it towards the agreed maximum",
                    "*Review progress together in the next supervision",
                    "Start capability proceedings straight away",
                    "Say nothing to avoid upsetting her",
                    "Tell her to do recording at weekends",
                    "Share her difficulties with the team",
                    "Give her the two new cases to prove herself",
                ],
            ),
            (
                "s4",
                "The service manager asks you to allocate two more cases. How should you use your authority?",
                [
                    "*Explain the team's capacity and the risk, and agree with the manager how the work will be covered safely",
                    "Allocate them to Leah as she is the least experienced",
                    "Refuse any new work",
                    "Take the cases yourself without telling anyone",
                ],
            ),
            (
                "s2",
                "Which is the best way to help Leah develop confidence with hostile parents?",
                [
                    "*Joint visits where you model approaches, followed by reflection together",
                    "A reading list",
                    "Moving her to another team",
                    "Telling her to be firmer",
                ],
            ),
            (
                "s7",
                "Leah says she did not speak up because everyone else is coping. What does this suggest?",
                [
                    "*The team culture may not feel safe for admitting difficulty, which you should address",
                    "Leah is less able than her colleagues",
                    "Nothing; this is normal",
                    "Leah should move to a less demanding role",
                ],
            ),
            (
                "s6",
                "How should you check the quality of Leah's work with Ruby's family?",
                [
                    "*Read the record, discuss her analysis and, where needed, observe her practice",
                    "Count her visits",
                    "Ask the mother how Leah is doing",
                    "Rely on Leah's summary",
                ],
            ),
            (
                "s5",
                "Which of these would strengthen decision-making on Ruby's case?",
                [
                    "*A chronology showing the mother's drug use over time",
                    "*Information from the drug service and health visitor",
                    "*A clear view of what Ruby's day is like",
                    "A decision made quickly to clear the backlog",
                    "Relying on the mother's self-report",
                    "Waiting for the next conference",
                    "Leah's feelings about the mother",
                    "The number of previous workers",
                ],
            ),
            (
                "s3",
                "Several workers in your team have caseloads above the maximum. What is your role?",
                [
                    "*Raise it with evidence with senior managers and propose solutions",
                    "Accept it as normal",
                    "Ask the team to work longer hours",
                    "Reduce visits to children on plans",
                ],
            ),
            (
                "s1",
                "How should you record this supervision?",
                [
                    "*Record the case decisions and actions, and agreed support for Leah, in the right places",
                    "Record nothing about Leah's wellbeing anywhere",
                    "Put Leah's personal disclosures on Ruby's file",
                    "Record only the overdue visits",
                ],
            ),
            (
                "s2",
                "What support might Leah need beyond supervision?",
                [
                    "*Access to the employee wellbeing service or counselling, if she wants it",
                    "Sick leave, whether or not she wants it",
                    "A formal warning",
                    "Nothing beyond supervision",
                ],
            ),
            (
                "s8",
                "Three months later Leah is up to date and confident. What should you do?",
                [
                    "*Recognise her progress and agree her next development goals",
                    "Give her the most complex cases immediately",
                    "Stop supervising her so often without discussing it",
                    "Nothing; it was expected",
                ],
            ),
        ],
    ),
    (
        "A team under pressure",
        """Your team has had three social workers leave in six months; two posts are filled by agency workers. A recent audit found that 40% of assessments lacked the child's views, and plans were often vague. Morale is low, and in team meetings experienced workers say the audit "doesn't understand real practice".

An agency worker, Tom, is highly experienced but recently told a mother in front of her children that "they'll be taken off you if you don't sort yourself out". The mother has complained. A newly qualified worker, Sana, has told you privately that she finds Tom intimidating.

Your head of service has asked you to lead an improvement plan for the team.""",
        [
            (
                "s1",
                "What is the best starting point for the improvement plan?",
                [
                    "*Look at the audit findings with the team and agree together what good practice looks like",
                    "Tell the team the audit is correct and must be accepted",
                    "Agree with the team that the audit was unfair",
                    "Introduce a new form for assessments",
                ],
            ),
            (
                "s4",
                "How should you respond to Tom's comment to the mother?",
                [
                    "*Discuss it with him directly, explain why it was harmful, and follow the complaints process",
                    "Ignore it as he is experienced",
                    "End his contract without discussion",
                    "Ask Sana to talk to him",
                ],
            ),
            (
                "s6",
                "Which practices would help assessments include the child's views?",
                [
                    "*Seeing children alone where safe and age-appropriate",
                    "*Using tools suited to the child's age and communication",
                    "*Recording the child's words and what they mean for the plan",
                    "Asking parents to summarise the child's views",
                    "Relying on school reports",
                    "Leaving it out when the child is young",
                    "Only seeing children at meetings",
                    "Copying views from earlier assessments",
                ],
            ),
            (
                "s3",
                "Staff turnover is high. What can you influence as a practice supervisor?",
                [
                    "*Good supervision, fair caseloads and a supportive team culture",
                    "National pay scales",
                    "The local authority's budget",
                    "Agency rates",
                ],
            ),
            (
                "s7",
                "Sana finds Tom intimidating. What should you do?",
                [
                    "*Take her concern seriously, explore it with her, and address the behaviour with Tom",
                    "Tell her to toughen up",
                    "Move Sana to another team",
                    "Tell Tom that Sana complained about him",
                ],
            ),
            (
                "s2",
                "How can you use Tom's experience positively?",
                [
                    "*Ask him to share knowledge in ways that fit the team's values, such as co-working with support",
                    "Make him Sana's supervisor",
                    "Keep him away from the rest of the team",
                    "Give him all the complex cases and no supervision",
                ],
            ),
            (
                "s8",
                "How should you measure whether the improvement plan is working?",
                [
                    "*Repeat audits, feedback from children and families, and supervision discussions",
                    "Count the number of team meetings held",
                    "Ask only the head of service",
                    "Measure how quickly cases close",
                ],
            ),
            (
                "s5",
                "Which of these are signs of a vague plan?",
                [
                    "*'Mother to engage with services'",
                    "*No dates or named people for actions",
                    "*No description of what change for the child will look like",
                    "A named worker for each action",
                    "Timescales agreed with the family",
                    "Clear measures of progress",
                    "The child's views set out",
                    "Contingency arrangements",
                ],
            ),
            (
                "s1",
                "Experienced workers say the audit doesn't understand real practice. What is the best response?",
                [
                    "*Invite them to help shape how practice is audited and improved",
                    "Tell them to accept it",
                    "Exclude them from the improvement work",
                    "Agree and ignore the audit",
                ],
            ),
            (
                "s3",
                "What should you tell the head of service about team capacity?",
                [
                    "*An honest account of capacity and risks, with what you need to deliver the plan",
                    "That everything is under control",
                    "Nothing until the plan is finished",
                    "Only the good news",
                ],
            ),
            (
                "s6",
                "The mother's complaint is upheld. What should happen for the family?",
                [
                    "*An apology and a review of whether a change of worker would help the children",
                    "Nothing further",
                    "Close the case",
                    "Warn the mother not to complain again",
                ],
            ),
            (
                "s2",
                "Which is the best way to support Sana's development in this team?",
                [
                    "*Regular reflective supervision, protected learning time and a supportive peer",
                    "Give her the highest caseload to learn quickly",
                    "Only group supervision",
                    "Reading the procedures manual",
                ],
            ),
        ],
    ),
]
