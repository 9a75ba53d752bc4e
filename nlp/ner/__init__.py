"""tinstream's own Vietnamese named-entity recogniser: a syllable CRF with gazetteers."""
