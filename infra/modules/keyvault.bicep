// The vault that holds the app registration's credential (a client secret, or a PEM certificate with its key).
// The template creates no secret: a documented step puts it in (infra/DEPLOY-SECTION.md).

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

@description('Days a deleted vault or secret can be recovered (7-90).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // RBAC mode: access is granted with role assignments (rbac.bicep), never with access policies.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Once on, purge protection cannot be turned off; a deleted vault keeps its name for the retention period.
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = 'https://${vault.name}${environment().suffixes.keyvaultDns}'
