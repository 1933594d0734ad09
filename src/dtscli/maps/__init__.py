"""Maps: the committed outlines of communes, EPCI, départements and régions."""
