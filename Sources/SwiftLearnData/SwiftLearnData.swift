// SwiftLearnData
