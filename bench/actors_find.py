"""Throughput of ActorDictionary.find on typical 25-word news sentences (written for this bench).

Run from the repository root: ``python bench/actors_find.py``.
"""

import datetime as dt
import statistics
import time

from watchfloor.coding.actors import default_actor_dictionary

SENTENCES = [
    "Russian Foreign Minister Sergei Lavrov said on Tuesday that Moscow would respond firmly "
    "to any new sanctions imposed by the European Union on its energy exports.",
    "The Venezuelan government accused Colombian rebels of attacking a military post near the "
    "border on Sunday, killing three soldiers and wounding several others, officials said.",
    "Thousands of protesters gathered outside the parliament in the capital for a third "
    "straight day, demanding the resignation of the prime minister and early elections.",
    "Chinese coast guard vessels fired water cannon at a Philippine supply boat near a disputed "
    "shoal in the South China Sea, the government in Manila said on Monday.",
    "The UN Security Council will meet on Friday to discuss the worsening humanitarian situation "
    "in Gaza, diplomats told reporters after a closed session in New York.",
    "Israeli troops raided a refugee camp in the occupied West Bank overnight, the Palestinian "
    "health ministry said, adding that two young men had been killed in the operation.",
    "Police in the northern city arrested dozens of people after clashes between rival groups "
    "of football supporters turned violent late on Sunday night, a local official said.",
    "The central bank unexpectedly raised interest rates by half a percentage point on "
    "Thursday, citing stubborn inflation, a weaker currency and rising food prices.",
    "Ukrainian President Volodymyr Zelensky asked Western allies for more air defence systems "
    "after a wave of Russian drone and missile strikes hit power plants across Ukraine.",
    "Company officials said the firm had agreed to pay a large fine and cooperate fully with "
    "investigators examining the collapse of the bridge that killed eleven people.",
]


def main() -> None:
    started = time.perf_counter()
    actors = default_actor_dictionary()
    load = time.perf_counter() - started
    words = statistics.mean(len(s.split()) for s in SENTENCES)
    sentences = SENTENCES * 500
    rates = []
    for _ in range(5):
        started = time.perf_counter()
        for sentence in sentences:
            actors.find(sentence, on=dt.date(2025, 6, 1))
        rates.append(len(sentences) / (time.perf_counter() - started))
    print(
        f"load {load:.2f}s  mean words {words:.1f}  sentences/s "
        f"best {max(rates):,.0f} median {statistics.median(rates):,.0f}"
    )


if __name__ == "__main__":
    main()
