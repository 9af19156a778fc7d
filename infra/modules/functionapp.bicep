// Flex Consumption plan (FC1) and the Linux Function App (Node 22) that runs the inventory.
// Every connection is identity-based: no connection string, account key or secret appears in an app setting.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources; the app also gets azd-service-name=api so that `azd deploy` finds it.')
param tags { *: string }

@description('Name of the user-assigned identity the app runs as.')
param identityName string

@description('Name of the storage account for host storage, the deployment package and the inventory tables.')
param storageAccountName string

@description('Blob container (in that account) that receives the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('URL of the Key Vault that holds the app registration credential; empty with the federated credential.')
param keyVaultUrl string

@description('INVENTORY_TENANT_ID: the Entra tenant to inventory.')
param inventoryTenantId string

@description('INVENTORY_CLIENT_ID: the app registration used for Graph and Power BI.')
param inventoryClientId string

@description('INVENTORY_CREDENTIAL: federated, secret or certificate.')
param credential string

@description('INVENTORY_CLIENT_SECRET_NAME: name of the Key Vault secret holding the client secret.')
param clientSecretName string

@description('INVENTORY_CLIENT_CERTIFICATE_NAME: Key Vault secret holding a PEM certificate + key (certificate only).')
param clientCertificateName string

@description('USERS_SYNC_SCHEDULE (NCRONTAB, six fields).')
param usersSyncSchedule string

@description('WORKSPACES_SYNC_SCHEDULE (NCRONTAB, six fields).')
param workspacesSyncSchedule string

@description('INVENTORY_RETENTION_DAYS.')
param retentionDays int

@description('Overrides host.json functionTimeout (hh:mm:ss) when set; empty keeps host.json (00:30:00).')
param functionTimeout string

@description('Memory of each instance in MB: 512, 2048 or 4096.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound of instances the app scales out to.')
param maximumInstanceCount int

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var storageSuffix = environment().suffixes.storage

// The Node worker's old-generation limit for each instance size. The Functions host shares the instance's memory, and a
// Node process needs 60-100 MB beside its heap, so on 512 MB the heap gets 192 MB: every kind syncs 100,000 users or
// 10,000 workspaces within it (npm run bench measures that). On larger instances the limit is the one Node would pick
// there by itself (half the memory): a roomier heap collects less often.
var nodeHeapMB = {
  '512': 192
  '2048': 1024
  '4096': 2048
}

var appSettings = concat(
  [
    // Host storage over the identity: blobs for keys, locks and timer schedule status (Storage Blob Data Owner).
    { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
    { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
    { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
    // The app picks the user-assigned identity from this: for Tables, Key Vault, and as the federated credential.
    { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
    { name: 'INVENTORY_TABLE_ENDPOINT', value: 'https://${storageAccountName}.table.${storageSuffix}' }
    { name: 'INVENTORY_TENANT_ID', value: inventoryTenantId }
    { name: 'INVENTORY_CLIENT_ID', value: inventoryClientId }
    { name: 'INVENTORY_CREDENTIAL', value: credential }
    { name: 'USERS_SYNC_SCHEDULE', value: usersSyncSchedule }
    { name: 'WORKSPACES_SYNC_SCHEDULE', value: workspacesSyncSchedule }
    { name: 'INVENTORY_RETENTION_DAYS', value: string(retentionDays) }
    // Arguments the host passes to the Node worker process.
    { name: 'languageWorkers__node__arguments', value: '--max-old-space-size=${nodeHeapMB[string(instanceMemoryMB)]}' }
    // The connection string names the ingestion endpoint and the component; it is no credential because the component
    // has local auth disabled: ingestion needs an Entra token of the identity below (Monitoring Metrics Publisher).
    { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
    { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  ],
  credential == 'federated'
    ? []
    : [
        { name: 'KEY_VAULT_URL', value: keyVaultUrl }
        // The name of a vault secret, not the secret itself.
        { name: 'INVENTORY_CLIENT_SECRET_NAME', value: clientSecretName }
      ],
  credential == 'certificate' ? [{ name: 'INVENTORY_CLIENT_CERTIFICATE_NAME', value: clientCertificateName }] : [],
  empty(functionTimeout) ? [] : [{ name: 'AzureFunctionsJobHost__functionTimeout', value: functionTimeout }]
)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: 'https://${storageAccountName}.blob.${storageSuffix}/${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Publishing goes through Entra ID (azd deploy, func azure functionapp publish): no FTP or SCM user/password.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
