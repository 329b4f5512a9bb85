// The umbrella module: `import SwiftLearn` brings in every part.
@_exported import SwiftLearnGEMM
@_exported import SwiftLearnRandom
@_exported import SwiftLearnSystem
@_exported import SwiftLearnTensor
@_exported import SwiftLearnBatches
@_exported import SwiftLearnCompression
@_exported import SwiftLearnData
@_exported import SwiftLearnLinearModels
@_exported import SwiftLearnNN
@_exported import SwiftLearnImageCodecs
@_exported import SwiftLearnVision
@_exported import SwiftLearnPlot
