pub mod testset;
