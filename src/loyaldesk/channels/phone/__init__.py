"""Phone calls: logged by agents or recorded by the telephony system, each in its case."""
