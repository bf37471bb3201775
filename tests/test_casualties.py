"""Fatality and injury counts stated in single sentences."""

from __future__ import annotations

import pytest

from watchfloor.coding.casualties import count_fatalities, count_injured

FATALITIES = [
    ("Air strikes killed at least 11 people in the north of the country.", 11),
    ("The blast ripped through the market, killing 11.", 11),
    ("11 people were killed when the bus overturned.", 11),
    ("Three dead after gunmen opened fire at a wedding.", 3),
    ("Rescuers said a death toll exceeding 100 was likely.", 100),  # lower bound -> the bound
    ("More than 100 people have been killed since the unrest began.", 100),
    ("One person died and four were hurt in the stampede.", 1),
    ("The strike left six dead, the governor said.", 6),
    ("Two hundred and five people died in the floods.", 205),
    ("Officials said 1,200 people were killed in the earthquake.", 1200),
    ("A thousand people were killed in the fighting that year.", 1000),
    ("Twenty-three miners were killed in the collapse.", 23),
    ("A soldier was killed and 30 others were wounded.", 1),
    ("An 11-year-old boy was killed by a stray bullet.", 1),
    ("Seven Israeli soldiers were killed on Monday.", 7),
    ("Police shot dead two protesters outside the ministry.", 2),
    ("The fire claimed 11 lives.", 11),
    ("The death toll from the 2023 earthquake rose to 50,000.", 50000),
    ("The death toll climbed to a record 45 on Friday.", 45),
    ("Health officials reported 37 deaths from the outbreak.", 37),
    ("At least 14 people were reported dead after the storm.", 14),
    ("The attack, which killed 9 people including three children, was condemned.", 9),
    ("Two of the five killed were children.", 5),
    ("Gunmen killed 2 million chickens.", None),  # not people
    ("The raids killed dozens, residents said.", None),  # vague: documented as None
    ("The storm left hundreds dead.", None),
    ("Lawmakers killed the bill on Tuesday.", None),
    ("The Senate voted 52-48 to kill the measure.", None),
    ("The bill was killed 52 to 48.", None),
    ("Three gunmen killed a guard at the gate.", 1),  # active: the three are the killers
    ("The 81-year-old died on Friday.", None),  # an age, not a count
    ("He died aged 81.", None),
    ("Unemployment fell to 5 percent.", None),
    ("The earthquake injured 40 people.", None),  # injuries are not deaths
    ("", None),
]


@pytest.mark.parametrize(("sentence", "expected"), FATALITIES)
def test_casualties_count_fatalities(sentence: str, expected: int | None) -> None:
    assert count_fatalities(sentence) == expected


INJURED = [
    ("A soldier was killed and 30 others were wounded.", 30),
    ("The earthquake killed 11 and wounded 30.", 30),
    ("Eleven people were killed and 40 injured in the blast.", 40),
    ("The explosion injured at least 25 people.", 25),
    ("Police said 12 officers were hurt during the clashes.", 12),
    ("Three dead and 20 injured after the crash.", 20),
    ("The blast left 60 wounded.", 60),
    ("Doctors treated 15 people for injuries after the attack.", None),  # no injured count
    ("Over 300 people were hospitalised after the chemical leak.", 300),
    ("The crash injured dozens.", None),
    ("11 people were killed in the attack.", None),
    ("The 11-year-old was injured.", None),
    ("The minister hurt his chances with the remark.", None),
]


@pytest.mark.parametrize(("sentence", "expected"), INJURED)
def test_casualties_count_injured(sentence: str, expected: int | None) -> None:
    assert count_injured(sentence) == expected
