// Tenant inventory on Azure Functions Flex Consumption. Deploys into an existing resource group:
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json -p clientId=<app id>
// or `azd up` (azure.yaml). Setting names follow the configuration table of the product (README).
targetScope = 'resourceGroup'

@description('Azure region for every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix of every resource name: 2-8 letters, digits or hyphens (the storage account drops hyphens).')
@minLength(2)
@maxLength(8)
param namePrefix string = 'inv'

@description('INVENTORY_TENANT_ID: the Entra tenant (GUID) to inventory. Defaults to the tenant of the deployment.')
@minLength(36)
@maxLength(36)
param tenantId string = tenant().tenantId

@description('INVENTORY_CLIENT_ID: application (client) id of the app registration used for Graph and Power BI.')
@minLength(36)
@maxLength(36)
param clientId string

@description('INVENTORY_CREDENTIAL: how the app registration proves itself. federated (recommended): the app trusts the Function\'s managed identity as its federated identity credential, so no secret exists and no Key Vault is deployed; create that credential from the FEDERATED_CREDENTIAL_* outputs. secret or certificate: read from the Key Vault this template deploys.')
@allowed([
  'federated'
  'secret'
  'certificate'
])
param credential string = 'federated'

@description('INVENTORY_CLIENT_SECRET_NAME: name of the Key Vault secret that holds the client secret.')
@minLength(1)
@maxLength(127)
param clientSecretName string = 'inventory-client-secret'

@description('INVENTORY_CLIENT_CERTIFICATE_NAME: Key Vault secret holding a PEM certificate and key; required with credential=certificate.')
@maxLength(127)
param clientCertificateName string = ''

@description('USERS_SYNC_SCHEDULE: NCRONTAB (six fields, UTC) of the users sync.')
param usersSyncSchedule string = '0 0 2 * * *'

@description('WORKSPACES_SYNC_SCHEDULE: NCRONTAB (six fields, UTC) of the Power BI workspaces sync.')
param workspacesSyncSchedule string = '0 30 2 * * *'

@description('INVENTORY_RETENTION_DAYS: snapshots older than this are deleted (the newest succeeded one of each kind is kept).')
@minValue(1)
param retentionDays int = 30

@description('Function timeout (hh:mm:ss) that overrides host.json for every function; empty keeps host.json (00:30:00). A sync that needs longer saves its position and resumes on the next run.')
param functionTimeout string = ''

@description('Memory of each Flex Consumption instance in MB. The Node worker\'s heap limit follows from it (192 MB on 512, 1024 MB on 2048, 2048 MB on 4096), leaving the rest to the Functions host and to memory outside the heap.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to. Syncs run on one instance; the HTTP API is light.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Optional: object id of whoever puts the client secret into the vault; gets Key Vault Secrets Officer on the vault (secret and certificate only). Empty grants nothing.')
param deployerPrincipalId string = ''

@description('Kind of principal deployerPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Tags added to every resource.')
param tags { *: string } = {}

var prefix = toLower(namePrefix)
var token = toLower(uniqueString(subscription().id, resourceGroup().id, prefix, location))
var names = {
  identity: 'id-${prefix}-${token}'
  storage: take('st${replace(prefix, '-', '')}${token}', 24) // letters and digits only
  keyVault: take('kv-${prefix}-${token}', 24)
  logAnalytics: 'log-${prefix}-${token}'
  appInsights: 'appi-${prefix}-${token}'
  plan: 'plan-${prefix}-${token}'
  functionApp: 'func-${prefix}-${token}'
  deploymentContainer: 'app-package-${token}'
}

// The federated credential reads nothing from a vault, so none is deployed for it: no vault to secure, no role to
// grant, and no purge-protected name held for 90 days. Choosing secret or certificate later deploys it.
var usesKeyVault = credential != 'federated'

// The audience Entra's token exchange accepts for a managed identity's token, per cloud.
var tokenExchangeAudience = environment().name == 'AzureUSGovernment'
  ? 'api://AzureADTokenExchangeUSGov'
  : environment().name == 'AzureChinaCloud' ? 'api://AzureADTokenExchangeChina' : 'api://AzureADTokenExchange'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: names.deploymentContainer
  }
}

module keyVault 'modules/keyvault.bicep' = if (usesKeyVault) {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    // A role assignment's name needs the principal id, which exists only once the identity does.
    #disable-next-line what-if-short-circuiting
    principalId: identity.outputs.principalId
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    usesKeyVault: usesKeyVault
    appInsightsName: names.appInsights
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
  dependsOn: [
    storage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityName: names.identity
    storageAccountName: names.storage
    deploymentContainerName: names.deploymentContainer
    appInsightsName: names.appInsights
    keyVaultUrl: usesKeyVault ? keyVault!.outputs.uri : ''
    inventoryTenantId: tenantId
    inventoryClientId: clientId
    credential: credential
    clientSecretName: clientSecretName
    clientCertificateName: clientCertificateName
    usersSyncSchedule: usersSyncSchedule
    workspacesSyncSchedule: workspacesSyncSchedule
    retentionDays: retentionDays
    functionTimeout: functionTimeout
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The host reads its storage and the deployment package as the identity from its first start, so the roles come first.
  dependsOn: [
    identity
    storage
    monitoring
    rbac
  ]
}

// Names and ids only: nothing here is a secret (azd stores these in .azure/<env>/.env).
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOST_NAME string = functionApp.outputs.defaultHostName
output AZURE_KEY_VAULT_NAME string = usesKeyVault ? keyVault!.outputs.name : ''
output AZURE_KEY_VAULT_URL string = usesKeyVault ? keyVault!.outputs.uri : ''
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
// What the app registration's federated credential names (az ad app federated-credential create): the managed
// identity's tokens are issued by the identity's own tenant (the app registration must be in it too) to its principal.
output FEDERATED_CREDENTIAL_ISSUER string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
output FEDERATED_CREDENTIAL_SUBJECT string = identity.outputs.principalId
output FEDERATED_CREDENTIAL_AUDIENCE string = tokenExchangeAudience
