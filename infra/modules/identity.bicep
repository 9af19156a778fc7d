// The one user-assigned identity the Function App uses for everything: host storage, the deployment package, the
// inventory tables, Application Insights, and the app registration's federated credential (or Key Vault, with a
// secret or certificate). A user-assigned identity (rather than system-assigned) exists before the app, so its role
// assignments can be granted before the host first starts.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
