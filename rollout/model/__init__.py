"""The data every layer passes along: the inventory of one program run and the tool's own settings (no pulumi)."""
