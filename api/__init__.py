"""The GraphQL API over the search layer (`/graphql`)."""
