"""The demo survey: a synthetic country sampled with a stratified two-stage design (PPS systematic
PSUs, systematic households, one random adult or woman 15+ per household), its fieldwork outcomes and
a few thousand interviews of the bundled instruments, loaded through the real services."""
