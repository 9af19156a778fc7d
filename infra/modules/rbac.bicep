// Every role the app's identity holds, and nothing more. Each assignment is named
// guid(scope.id, principalId, roleDefinitionId) so a redeployment finds it again instead of duplicating it.
//
// Not granted, on purpose:
// - Storage Queue Data Contributor: the host needs queues only for blob triggers and Durable Functions. This app has
//   timer and HTTP triggers; timers take their singleton locks and keep their schedule status in blobs.
// - Storage Account Contributor (needed only by blob triggers), Key Vault Secrets Officer (the app never writes
//   secrets), and any role on the resource group.
// - Any Key Vault role with the federated credential, which deploys no vault.

@description('Object (principal) id of the app\'s user-assigned identity.')
param principalId string

@description('Storage account holding host storage, the deployment container and the inventory tables.')
param storageAccountName string

@description('Key Vault holding the app registration credential.')
param keyVaultName string

@description('Whether the vault exists: only the secret and certificate credentials read one.')
param usesKeyVault bool

@description('Application Insights component the app sends telemetry to.')
param appInsightsName string

@description('Optional: object id of the person or pipeline that will put the credential into the vault. Empty grants nothing.')
param deployerPrincipalId string = ''

@description('Kind of principal deployerPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

// Built-in role definitions: their ids are the same in every tenant.

// Storage Blob Data Owner
resource blobDataOwnerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
}

// Storage Table Data Contributor
resource tableDataContributorRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

// Key Vault Secrets User
resource secretsUserRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '4633458b-17de-408a-b874-0445c86b69e6'
}

// Monitoring Metrics Publisher
resource metricsPublisherRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Key Vault Secrets Officer
resource secretsOfficerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Storage Blob Data Owner on the account: host storage (it creates its own containers, so the account and not a
// container is the scope) and reading the Flex Consumption deployment package.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, blobDataOwnerRole.id)
  scope: storage
  properties: {
    roleDefinitionId: blobDataOwnerRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Table Data Contributor on the account: the inventory tables. The app creates them on first use, which needs
// the account scope.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, tableDataContributorRole.id)
  scope: storage
  properties: {
    roleDefinitionId: tableDataContributorRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Secrets User on the vault: read the client secret or certificate (secrets get), nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (usesKeyVault) {
  name: guid(vault.id, principalId, secretsUserRole.id)
  scope: vault
  properties: {
    roleDefinitionId: secretsUserRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Monitoring Metrics Publisher on the Application Insights component: Entra-authenticated telemetry ingestion, which
// is the only kind the component accepts (local auth is disabled).
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, metricsPublisherRole.id)
  scope: appInsights
  properties: {
    roleDefinitionId: metricsPublisherRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Secrets Officer on the vault for the deployer, only when deployerPrincipalId is given: the vault is in RBAC
// mode, so not even its creator can write the secret without a data-plane role. Remove it once the secret is in.
resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (usesKeyVault && !empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, secretsOfficerRole.id)
  scope: vault
  properties: {
    roleDefinitionId: secretsOfficerRole.id
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
