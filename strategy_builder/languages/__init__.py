"""Language versions: translations as inputs, translated drafts, exchange with translators, alignment."""
