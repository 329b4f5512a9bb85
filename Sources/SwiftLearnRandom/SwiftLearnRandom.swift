// SwiftLearnRandom
