"""Throughput of ActorDictionary.find on typical 25-word news sentences (written for this bench)."""

import time, datetime as dt, statistics
from watchfloor.coding.actors import default_actor_dictionary

t = time.perf_counter()
d = default_actor_dictionary()
load = time.perf_counter() - t
base = [
    "Russian Foreign Minister Sergei Lavrov said on Tuesday that Moscow would respond firmly to any new sanctions imposed by the European Union on its energy exports.",
    "The Venezuelan government accused Colombian rebels of attacking a military post near the border on Sunday, killing three soldiers and wounding several others, officials said.",
    "Thousands of protesters gathered outside the parliament in the capital for a third straight day, demanding the resignation of the prime minister and early elections this year.",
    "Chinese coast guard vessels fired water cannon at a Philippine supply boat near a disputed shoal in the South China Sea, the government in Manila said on Monday.",
    "The UN Security Council will meet on Friday to discuss the worsening humanitarian situation in Gaza, diplomats told reporters after a closed session in New York.",
    "Israeli troops raided a refugee camp in the occupied West Bank overnight, the Palestinian health ministry said, adding that two young men had been killed in the operation.",
    "Police in the northern city arrested dozens of people after clashes between rival groups of football supporters turned violent late on Sunday night, a local official said.",
    "The central bank unexpectedly raised interest rates by half a percentage point on Thursday, citing stubborn inflation, a weaker currency and rising food prices across the country.",
    "Ukrainian President Volodymyr Zelensky asked Western allies for more air defence systems after a wave of Russian drone and missile strikes hit power plants across Ukraine.",
    "Company officials said the firm had agreed to pay a large fine and cooperate fully with investigators examining the collapse of the bridge that killed eleven people.",
]
words = statistics.mean(len(s.split()) for s in base)
sents = base * 500
rates = []
for rep in range(5):
    t = time.perf_counter()
    for s in sents:
        d.find(s, on=dt.date(2025, 6, 1))
    rates.append(len(sents) / (time.perf_counter() - t))
print(
    f"load {load:.2f}s  mean words {words:.1f}  sentences/s best {max(rates):,.0f} median {statistics.median(rates):,.0f}"
)
