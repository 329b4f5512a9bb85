// SwiftLearnVision
