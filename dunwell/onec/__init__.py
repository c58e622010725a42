"""The 1C connector: reads an infobase's standard OData interface (docs/integrations.md)."""
